# The Vault policy of the token Terraform deploys the vault and vault-roles-NN stacks with, for the
# engine mounted at "aws" (vault.mount) and requester policies named "aws-<requester>". With
# another mount, replace "aws" in every path below. See docs/deploying.md, "First real deploy".
#
# What this token could do if the code it runs were hostile: it writes ACL policies named aws-*
# and identity groups, so it could write a policy granting everything and put an identity it
# controls in a group carrying it. Treat it as a Vault administrator's token: use it only where
# the code it runs is reviewed (the protected branch), keep its TTL short, and never give it to a
# pull request's pipeline.

# The token itself: Terraform's Vault provider looks it up and issues a short-lived child token.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/create" {
  capabilities = ["update"]
}

# The AWS secrets engine: mount, tune (max lease TTL) and configure it.
path "sys/mounts/aws" {
  capabilities = ["create", "read", "update", "delete"]
}
path "sys/mounts/aws/tune" {
  capabilities = ["read", "update"]
}
path "aws/config/root" {
  capabilities = ["create", "read", "update"]
}

# The Vault roles (vault-roles-NN stacks).
path "aws/roles/*" {
  capabilities = ["create", "read", "update", "delete"]
}

# The requester groups' ACL policies, and only those.
path "sys/policies/acl/aws-*" {
  capabilities = ["create", "read", "update", "delete"]
}

# The auth mounts that requester bindings name: read to find their accessors, never changed.
path "sys/mounts/auth/*" {
  capabilities = ["read"]
}

# The external identity groups and their aliases that bind requesters to identity-provider groups.
path "identity/group" {
  capabilities = ["create", "update"]
}
path "identity/group/id/*" {
  capabilities = ["read", "update", "delete"]
}
path "identity/group/name/aws-*" {
  capabilities = ["read", "update", "delete"]
}
path "identity/group-alias" {
  capabilities = ["create", "update"]
}
path "identity/group-alias/id/*" {
  capabilities = ["read", "update", "delete"]
}
