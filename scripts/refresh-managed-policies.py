#!/usr/bin/env python3
"""Writes lib/data/aws-managed-policies.json: the names (with paths) of AWS managed policies.

The source is moto's list (moto/iam/aws_managed_policies.py), which moto regenerates from AWS with
its own update script; moto is pinned by this project's sandbox. Refresh after upgrading moto:

    pip install 'moto[server]==<version>' && python3 scripts/refresh-managed-policies.py
"""
import datetime
import json
import pathlib

import moto
from moto.iam.aws_managed_policies import aws_managed_policies_data

policies = json.loads(aws_managed_policies_data)
names = sorted(f"{p['Path'].strip('/') + '/' if p['Path'] != '/' else ''}{name}" for name, p in policies.items())
out = pathlib.Path(__file__).resolve().parent.parent / "lib" / "data" / "aws-managed-policies.json"
out.write_text(
    json.dumps(
        {
            "source": f"moto {moto.__version__}, moto/iam/aws_managed_policies.py",
            "snapshot": datetime.date.today().isoformat(),
            "refresh": "python3 scripts/refresh-managed-policies.py (after upgrading moto)",
            "policies": names,
        },
        indent=1,
    )
    + "\n"
)
print(f"{out}: {len(names)} AWS managed policies from moto {moto.__version__}")
