# Two OIDC providers: one in good health, one whose thumbprint went stale when its
# identity provider moved its signing keys to another host.

variable "sso_issuer" {
  type    = string
  default = "https://sso.example.net"
}

resource "aws_iam_openid_connect_provider" "login" {
  url            = "https://login.example.com"
  client_id_list = ["sts.amazonaws.com"]
  thumbprint_list = [
    "6489bc9e83f5691d187cb68ed72f08bab710fb58", # Example Trust Services Root CA
  ]
}

resource "aws_iam_openid_connect_provider" "sso" {
  url             = var.sso_issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}
