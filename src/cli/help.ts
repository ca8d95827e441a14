/**
 * The `--help` text.
 *
 * @module
 */

/** The usage text printed by `aws-sso --help`. */
export const HELP = `aws-sso: short-term AWS credentials from IAM Identity Center (AWS SSO)

Usage:
  aws-sso -p SSO_PROFILE -d                      write a profile for every role you can use
  aws-sso -p SSO_PROFILE -r ROLE_ARN -ext        credential_process output (JSON on stdout)
  aws-sso -p SSO_PROFILE [-r ROLE_ARN]           write the role's credentials into [default]
  aws-sso -p SSO_PROFILE -r ROLE_ARN -env        export lines for eval "$(...)"

The role:
  -r, --rolearn ARN         arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME, or the real
                            arn:aws:iam::ACCOUNT_ID:role/aws-reserved/sso.amazonaws.com/...
      --account ID --role NAME
                            the same, without an ARN
                            (no role: choose one interactively; without a
                            terminal, the profile's sso_account_id/sso_role_name)

Modes:
  -d, --discover-roles      create or update [profile ACCOUNTID-ROLENAME] for every role
      --profile-name TEMPLATE   names from {account_id}, {account_name}, {role_name}
      --dry-run             show what would change, change nothing
      --prune               remove profiles an earlier discovery wrote that are no longer granted
  -ext, --external-source   print credential_process JSON (needs a role, given or
                            the profile's own)
  -env, --env_vars          print export lines
      --format FORMAT       sh, fish, powershell, cmd or dotenv (default: sh; on Windows,
                            powershell or cmd)
      --write-profile NAME  write credentials into [NAME] instead of [default]
      --list                list accounts and roles (--json for scripts)

Sign-in:
      --login               sign in now, even with a valid session
      --logout              sign out and remove the cached token
      --no-login            never sign in: fail at once when the session has expired
      --use-device-code     sign in with a code instead of the browser redirect
      --no-browser          print the sign-in URL instead of opening a browser
      --login-with aws      sign in through "aws sso login" instead

Other:
  -p, --profile NAME        the SSO profile in ~/.aws/config (default: $AWS_PROFILE, or default)
      --debug               show details and stack traces of errors
      --version             print the version
  -h, --help                print this help

The Python tool's flags are read as it read them: --ext, --prof and other abbreviations
of its long options, grouped letters (-dp corp), --role ARN for --rolearn.

Exit status: 0 done, 1 failed (one line on stderr says why), 2 usage error,
130 interrupted.

Examples:
  aws-sso -p corp -d
  aws sts get-caller-identity --profile 111122223333-ReadOnly
  eval "$(aws-sso -p corp -r arn:aws:iam::111122223333:role/ReadOnly -env)"
  aws-sso -p corp --list --json
`;
