/**
 * Builds a large AWS config file for benchmarks and tests: an `[sso-session]` and many SSO
 * profiles (about 100 bytes each, so 10,000 profiles make about 1 MB), with a comment every 100
 * profiles.
 *
 * @module
 */

/**
 * Builds the text of a config file with `profiles` SSO profiles.
 *
 * @param profiles how many `[profile …]` sections (default 10,000)
 * @returns the file's text, LF line endings
 */
export function makeBigConfig(profiles = 10_000): string {
  const lines = [
    "[sso-session corp]",
    "sso_start_url = https://d-1234567890.awsapps.com/start",
    "sso_region = eu-west-1",
    "",
  ];
  for (let i = 0; i < profiles; i++) {
    const account = String(100000000000 + i);
    if (i % 100 === 0) lines.push(`# accounts ${i} to ${i + 99}`);
    lines.push(
      `[profile p${i}-Admin]`,
      "sso_session = corp",
      `sso_account_id = ${account}`,
      "sso_role_name = Admin",
      "",
    );
  }
  return lines.join("\n");
}
