#!/usr/bin/env python3
"""Writes a synthetic monorepo for benchmarking the walk: mixed Terraform, CloudFormation,
Kubernetes, program source, documentation and configuration files, about 1% of them
declaring OIDC providers, plus an ignored vendor folder, and the saved chains of the hosts
those providers name.

    dist/gen-monorepo.py OUT [--files 10000] [--seed 1] [--provider-share 0.01]

OUT/repo      the tree (a git repository when git is installed, so every tool honours its
              .gitignore the same way; vendor/ is ignored)
OUT/chains    HOST.pem for each provider host, and discovery.json, for `check --offline`
OUT/expected.json   what `list` must find: the number of declarations, files and bytes

The same seed gives the same tree, byte for byte, certificates included (Ed25519 keys from
fixed seeds, fixed serial numbers and dates). Needs the `cryptography` package.
"""
import argparse
import datetime
import hashlib
import json
import pathlib
import random
import shutil
import subprocess
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID

# The identity providers the declarations name. `jwks` is the JWKS host when it differs from
# the issuer host; `stale` marks one whose declarations pin an old value (so `check` has
# mismatches to report as well as passes).
PROVIDERS = [
    {"issuer": "https://token.ci.example.com", "org": "Example CI Trust"},
    {"issuer": "https://login.example.net", "org": "Example Login Services"},
    {"issuer": "https://idp.corp.example.org/realms/main", "org": "Example Corp PKI",
     "jwks": "keys.corp.example.org"},
    {"issuer": "https://auth.legacy.example.com", "org": "Legacy Example CA", "stale": True},
]

# Shares of the non-declaring files, by kind.
KINDS = [
    ("terraform", 30), ("tfvars", 2), ("cfn_yaml", 12), ("cfn_json", 5), ("k8s", 20),
    ("python", 8), ("typescript", 8), ("markdown", 6), ("json_config", 4), ("shell", 3),
    ("go", 2),
]

WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu billing "
    "orders payments search catalog inventory shipping ledger audit metrics gateway users "
    "sessions reports exports imports notify mailer scheduler worker cache queue stream"
).split()

STALE_THUMBPRINT = "0123456789abcdef0123456789abcdef01234567"


def size_target(rng):
    """A file size between 1 and 20 KB, most of them small, as in real repositories."""
    return int(min(20_000, max(1_000, rng.lognormvariate(8.4, 0.7))))


def word(rng):
    return rng.choice(WORDS)


def ident(rng):
    return f"{word(rng)}_{word(rng)}_{rng.randrange(1000)}"


def fill(rng, target, header, block):
    """`header`, then `block(rng, i)` repeated until the text reaches `target` bytes."""
    parts = [header]
    size = len(header)
    i = 0
    while size < target:
        text = block(rng, i)
        parts.append(text)
        size += len(text)
        i += 1
    return "".join(parts)


# ---- ordinary files ---------------------------------------------------------------------

def terraform_block(rng, i):
    name = ident(rng)
    choice = rng.randrange(5)
    if choice == 0:
        return (
            f'resource "aws_s3_bucket" "{name}" {{\n'
            f'  bucket = "${{var.prefix}}-{name.replace("_", "-")}"\n'
            f'  tags = {{\n    team    = "{word(rng)}"\n    service = "{word(rng)}"\n  }}\n}}\n\n'
        )
    if choice == 1:
        rules = "".join(
            f'  ingress {{\n    from_port   = {p}\n    to_port     = {p}\n    protocol    = "tcp"\n'
            f'    cidr_blocks = ["10.{rng.randrange(256)}.0.0/16"]\n  }}\n'
            for p in rng.sample([22, 80, 443, 5432, 6379, 8080, 9090], 3)
        )
        return (
            f'resource "aws_security_group" "{name}" {{\n  name   = "{name}"\n'
            f"  vpc_id = var.vpc_id\n{rules}}}\n\n"
        )
    if choice == 2:
        return (
            f'variable "{name}" {{\n  type        = string\n'
            f'  description = "The {word(rng)} of the {word(rng)} service"\n'
            f'  default     = "{word(rng)}-{rng.randrange(100)}"\n}}\n\n'
        )
    if choice == 3:
        return (
            f'resource "aws_iam_policy" "{name}" {{\n  name = "{name}"\n'
            "  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n"
            f'      Effect   = "Allow"\n      Action   = ["s3:GetObject", "s3:ListBucket"]\n'
            f'      Resource = ["arn:aws:s3:::{word(rng)}-{word(rng)}/*"]\n    }}]\n  }})\n}}\n\n'
        )
    return (
        f'output "{name}" {{\n  value       = aws_s3_bucket.{name}.arn\n'
        f'  description = "ARN of the {word(rng)} bucket"\n}}\n\n'
    )


def terraform_file(rng, target):
    return fill(rng, target, "# Managed by the platform team.\n\n", terraform_block)


def irsa_role_file(rng, target):
    """A Terraform role trusting an EKS cluster's OIDC provider: mentions OIDC, declares none."""
    header = (
        "# Roles for service accounts: trusted through the cluster's OIDC provider, which is\n"
        "# declared in the cluster's own module.\n\n"
        'data "aws_iam_policy_document" "assume" {\n  statement {\n'
        '    actions = ["sts:AssumeRoleWithWebIdentity"]\n    principals {\n'
        '      type        = "Federated"\n      identifiers = [var.oidc_provider_arn]\n    }\n'
        "  }\n}\n\n"
        'variable "oidc_provider_arn" {\n  type = string\n}\n\n'
    )
    return fill(rng, target, header, terraform_block)


def tfvars_file(rng, target):
    return fill(
        rng, target, "",
        lambda r, i: f'{ident(r)} = "{word(r)}-{r.randrange(1000)}"\n',
    )


def cfn_yaml_block(rng, i):
    name = "".join(w.capitalize() for w in (word(rng), word(rng))) + str(i)
    choice = rng.randrange(3)
    if choice == 0:
        return (
            f"  {name}Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n"
            f"      BucketName: !Sub '${{AWS::StackName}}-{name.lower()}'\n"
            "      VersioningConfiguration:\n        Status: Enabled\n"
        )
    if choice == 1:
        return (
            f"  {name}Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n"
            f"      VisibilityTimeout: {rng.randrange(30, 900)}\n"
            f"      Tags:\n        - Key: team\n          Value: {word(rng)}\n"
        )
    return (
        f"  {name}Function:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        f"      MemorySize: {rng.choice([128, 256, 512, 1024])}\n"
        f"      Role: !GetAtt {name}Role.Arn\n"
    )


def cfn_yaml_file(rng, target):
    header = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        f"Description: The {word(rng)} service's resources.\nResources:\n"
    )
    return fill(rng, target, header, cfn_yaml_block)


def cfn_json_file(rng, target):
    resources = {}
    size = 200
    i = 0
    while size < target:
        name = f"{word(rng).capitalize()}{word(rng).capitalize()}{i}"
        resources[name] = {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "TableName": name.lower(),
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            },
        }
        size += 330
        i += 1
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    return json.dumps(template, indent=2) + "\n"


def k8s_block(rng, i):
    name = f"{word(rng)}-{word(rng)}"
    choice = rng.randrange(3)
    if choice == 0:
        return (
            f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"
            f"  labels:\n    app: {name}\nspec:\n  replicas: {rng.randrange(1, 6)}\n"
            f"  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n"
            f"      labels:\n        app: {name}\n    spec:\n      containers:\n"
            f"        - name: {name}\n          image: registry.example.com/{name}:1.{i}.0\n"
            f"          ports:\n            - containerPort: {rng.choice([8080, 9090, 3000])}\n"
            "          resources:\n            limits:\n              memory: 256Mi\n"
        )
    if choice == 1:
        return (
            f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n"
            f"  selector:\n    app: {name}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
        )
    return (
        f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\ndata:\n"
        f"  LOG_LEVEL: {rng.choice(['info', 'debug', 'warn'])}\n"
        f"  UPSTREAM: http://{word(rng)}.{word(rng)}.svc.cluster.local\n"
    )


def k8s_file(rng, target):
    return fill(rng, target, "# Generated manifests.\n", k8s_block)


def python_file(rng, target):
    def block(r, i):
        name = ident(r)
        return (
            f"\n\ndef {name}(records, limit={r.randrange(10, 500)}):\n"
            f'    """Returns the {word(r)} records of the {word(r)} service."""\n'
            "    out = []\n    for record in records:\n"
            f"        if record.get('{word(r)}') and len(out) < limit:\n"
            "            out.append(record)\n    return out\n"
        )
    return fill(rng, target, "import json\nimport logging\n", block)


def typescript_file(rng, target):
    def block(r, i):
        name = f"{word(r)}{word(r).capitalize()}{i}"
        return (
            f"\nexport async function {name}(input: Record<string, string>): Promise<number> {{\n"
            f"  const value = input['{word(r)}'] ?? '{word(r)}';\n"
            f"  return value.length * {r.randrange(1, 100)};\n}}\n"
        )
    return fill(rng, target, "import { readFile } from 'node:fs/promises';\n", block)


def markdown_file(rng, target):
    def block(r, i):
        sentence = " ".join(word(r) for _ in range(r.randrange(20, 60)))
        return f"\n## {word(r).capitalize()} {word(r)}\n\n{sentence.capitalize()}.\n"
    return fill(rng, target, f"# The {word(rng)} service\n", block)


def json_config_file(rng, target):
    deps = {}
    size = 100
    while size < target:
        deps[f"@{word(rng)}/{word(rng)}-{rng.randrange(1000)}"] = f"^{rng.randrange(1, 20)}.{rng.randrange(10)}.0"
        size += 40
    return json.dumps({"name": word(rng), "version": "1.0.0", "dependencies": deps}, indent=2) + "\n"


def shell_file(rng, target):
    return fill(
        rng, target, "#!/usr/bin/env bash\nset -euo pipefail\n",
        lambda r, i: f'echo "{word(r)} {word(r)}"\n{word(r).upper()}_{i}="${{{word(r).upper()}:-{word(r)}}}"\n',
    )


def go_file(rng, target):
    return fill(
        rng, target, "package main\n\nimport \"fmt\"\n",
        lambda r, i: f"\nfunc {word(r)}{i}() {{\n\tfmt.Println(\"{word(r)} {word(r)}\")\n}}\n",
    )


ORDINARY = {
    "terraform": ("infra/terraform/{area}/{name}/main.tf", terraform_file),
    "tfvars": ("infra/terraform/{area}/{name}/terraform.tfvars", tfvars_file),
    "cfn_yaml": ("infra/cloudformation/{area}/{name}.yaml", cfn_yaml_file),
    "cfn_json": ("infra/cloudformation/{area}/{name}.json", cfn_json_file),
    "k8s": ("services/{area}/deploy/{name}.yaml", k8s_file),
    "python": ("services/{area}/src/{name}.py", python_file),
    "typescript": ("services/{area}/web/{name}.ts", typescript_file),
    "markdown": ("docs/{area}/{name}.md", markdown_file),
    "json_config": ("services/{area}/config/{name}.json", json_config_file),
    "shell": ("tools/{area}/{name}.sh", shell_file),
    "go": ("services/{area}/cmd/{name}.go", go_file),
}


# ---- declaring files --------------------------------------------------------------------

def declared_thumbprints(provider):
    if provider.get("stale"):
        return [STALE_THUMBPRINT]
    return list(provider["thumbprints"])


def tf_list(values):
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def terraform_provider(rng, target, provider, name):
    """A literal issuer URL; ordinary resources around it."""
    header = (
        f'resource "aws_iam_openid_connect_provider" "{name}" {{\n'
        f'  url             = "{provider["issuer"]}"\n'
        '  client_id_list  = ["sts.amazonaws.com"]\n'
        f"  thumbprint_list = {tf_list(declared_thumbprints(provider))}\n}}\n\n"
    )
    return fill(rng, target, header, terraform_block)


def terraform_provider_with_variable(rng, target, provider, name):
    """The issuer URL from a variable whose default the module's terraform.tfvars overrides."""
    header = (
        'variable "issuer_url" {\n  type    = string\n  default = "https://placeholder.invalid"\n}\n\n'
        f'resource "aws_iam_openid_connect_provider" "{name}" {{\n'
        "  url             = var.issuer_url\n"
        '  client_id_list  = ["sts.amazonaws.com"]\n'
        f"  thumbprint_list = {tf_list(declared_thumbprints(provider))}\n}}\n\n"
    )
    return fill(rng, target, header, terraform_block)


def cfn_provider(rng, target, provider, name):
    thumbprints = "".join(f"        - {v}\n" for v in declared_thumbprints(provider))
    header = (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
        f"  {name}:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n"
        f"      Url: {provider['issuer']}\n      ClientIdList:\n        - sts.amazonaws.com\n"
        f"      ThumbprintList:\n{thumbprints}"
    )
    return fill(rng, target, header, cfn_yaml_block)


def crossplane_provider(rng, target, provider, name):
    thumbprints = "".join(f"      - {v}\n" for v in declared_thumbprints(provider))
    header = (
        "apiVersion: iam.aws.upbound.io/v1beta1\nkind: OpenIDConnectProvider\n"
        f"metadata:\n  name: {name}\nspec:\n  forProvider:\n    url: {provider['issuer']}\n"
        f"    clientIdList:\n      - sts.amazonaws.com\n    thumbprintList:\n{thumbprints}"
    )
    return fill(rng, target, header, k8s_block)


def cdk_provider(rng, target, provider, name):
    values = ", ".join(f"'{v}'" for v in declared_thumbprints(provider))
    header = (
        "import * as iam from 'aws-cdk-lib/aws-iam';\n\n"
        "export function addProvider(scope: any) {\n"
        f"  return new iam.OpenIdConnectProvider(scope, '{name}', {{\n"
        f"    url: '{provider['issuer']}',\n    clientIds: ['sts.amazonaws.com'],\n"
        f"    thumbprints: [{values}],\n  }});\n}}\n"
    )
    return header + typescript_file(rng, target - len(header))


DECLARING = [
    ("infra/terraform/identity/{name}/main.tf", terraform_provider),
    ("infra/terraform/identity/{name}/main.tf", terraform_provider_with_variable),
    ("infra/cloudformation/identity/{name}.yaml", cfn_provider),
    ("platform/crossplane/{name}.yaml", crossplane_provider),
    ("services/identity/cdk/{name}.ts", cdk_provider),
]


# ---- certificates -----------------------------------------------------------------------

def ed25519_key(label):
    """A key from a fixed seed, so the same label gives the same key on every run."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


def certificate(subject, key, issuer, issuer_key, serial, ca, dns=None):
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    end = datetime.datetime(2095 if ca else 2090, 1, 1, tzinfo=datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
    return builder.sign(issuer_key, None)


def write_chains(out, seed):
    """HOST.pem (leaf, intermediate, root) per host, and discovery.json. Sets each provider's
    `thumbprints` to the top certificate of its issuer host and of its JWKS host."""
    out.mkdir(parents=True, exist_ok=True)
    discovery = {}
    for n, provider in enumerate(PROVIDERS):
        org = provider["org"]
        root_key = ed25519_key(f"{seed}/{org}/root")
        inter_key = ed25519_key(f"{seed}/{org}/intermediate")
        root = certificate(f"{org} Root CA", root_key, f"{org} Root CA", root_key, 100 + n, True)
        inter = certificate(f"{org} Issuing CA", inter_key, f"{org} Root CA", root_key, 200 + n, True)
        top = hashlib.sha1(root.public_bytes(serialization.Encoding.DER)).hexdigest()

        issuer_host = provider["issuer"].split("/")[2]
        hosts = [issuer_host] + ([provider["jwks"]] if "jwks" in provider else [])
        for m, host in enumerate(hosts):
            leaf = certificate(host, ed25519_key(f"{seed}/{host}"), f"{org} Issuing CA",
                               inter_key, 1000 + 10 * n + m, False, host)
            pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, inter, root))
            (out / f"{host}.pem").write_bytes(pem)
        provider["thumbprints"] = [top]
        if "jwks" in provider:
            discovery[provider["issuer"]] = f"https://{provider['jwks']}/protocol/openid-connect/certs"
    (out / "discovery.json").write_text(json.dumps(discovery, indent=2, sort_keys=True) + "\n")


# ---- the tree ---------------------------------------------------------------------------

def write(root, relative, text, seen):
    if relative in seen:
        return 0
    seen.add(relative)
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return len(text.encode())


def unique_name(rng, names, pattern, **fields):
    while True:
        relative = pattern.format(name=f"{word(rng)}-{word(rng)}-{rng.randrange(10000)}", **fields)
        if relative not in names:
            return relative


def generate(out, files, seed, provider_share, vendor_files):
    rng = random.Random(seed)
    repo = out / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    write_chains(out / "chains", seed)

    seen = set()
    total = 0
    declarations = 0
    declaring = max(1, round(files * provider_share))

    # Declaring files: one provider each, every shape in turn, the providers in turn.
    for i in range(declaring):
        provider = PROVIDERS[i % len(PROVIDERS)]
        pattern, make = DECLARING[i % len(DECLARING)]
        name = f"{provider['org'].split()[1].lower()}-{i}"
        relative = unique_name(rng, seen, pattern.replace("{name}", name + "-{name}"))
        text = make(rng, size_target(rng), provider, name.replace("-", "_"))
        total += write(repo, relative, text, seen)
        if make is terraform_provider_with_variable:
            folder = relative.rsplit("/", 1)[0]
            total += write(repo, f"{folder}/terraform.tfvars", f'issuer_url = "{provider["issuer"]}"\n', seen)
        declarations += 1

    # A few Terraform modules that mention OIDC without declaring a provider: parsed, empty.
    mentioning = max(1, files // 50)
    for _ in range(mentioning):
        relative = unique_name(rng, seen, "infra/terraform/{area}/{name}/irsa.tf", area=word(rng))
        total += write(repo, relative, irsa_role_file(rng, size_target(rng)), seen)

    # Ordinary files fill the rest.
    weights = [w for _, w in KINDS]
    while len(seen) < files:
        kind = rng.choices([k for k, _ in KINDS], weights)[0]
        pattern, make = ORDINARY[kind]
        relative = unique_name(rng, seen, pattern, area=word(rng))
        total += write(repo, relative, make(rng, size_target(rng)), seen)

    # The vendor folder: providers that must not be listed, since .gitignore leaves it out.
    vendor_seen = set()
    for i in range(vendor_files):
        provider = PROVIDERS[i % len(PROVIDERS)]
        relative = unique_name(rng, vendor_seen, "vendor/modules/{area}/{name}/main.tf", area=word(rng))
        write(repo, relative, terraform_provider(rng, size_target(rng), provider, f"vendored_{i}"), vendor_seen)
    (repo / ".gitignore").write_text("/vendor/\n*.log\n")
    make_git_repository(repo)

    expected = {
        "seed": seed,
        "files": len(seen),
        "bytes": total,
        "vendor_files": vendor_files,
        "declarations": declarations,
        "hosts": sorted(p.name[:-4] for p in (out / "chains").glob("*.pem")),
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    return expected


def make_git_repository(repo):
    """`git init`, so that ripgrep honours .gitignore as it does in a real checkout (outside a
    git repository it would not). Without git, an .ignore file says the same to both tools."""
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    else:
        shutil.copy(repo / ".gitignore", repo / ".ignore")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=pathlib.Path, help="folder to write repo/, chains/ and expected.json in")
    parser.add_argument("--files", type=int, default=10_000, help="files outside vendor/ (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    parser.add_argument("--provider-share", type=float, default=0.01,
                        help="share of the files that declare a provider (default 0.01)")
    parser.add_argument("--vendor-files", type=int, default=500, help="files in the ignored vendor/ (default 500)")
    args = parser.parse_args()
    if args.files < 10:
        parser.error("--files must be at least 10")

    expected = generate(args.out, args.files, args.seed, args.provider_share, args.vendor_files)
    print(
        f"{args.out / 'repo'}: {expected['files']} files, {expected['bytes'] / 1e6:.1f} MB, "
        f"{expected['declarations']} declarations (and {expected['vendor_files']} ignored vendor files); "
        f"chains of {len(expected['hosts'])} hosts in {args.out / 'chains'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
