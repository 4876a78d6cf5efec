package dev.writ.policy.load;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Whether a value of the register looks like a secret rather than a reference to one: a
 * known credential format (a cloud access key, a GitHub, GitLab or Slack token, a private
 * key, a JWT, a URL or parameter with a password), a long hexadecimal string, or a long
 * run of random-looking characters. The register names where a key is kept; a key pasted
 * into a policy file would be in git for good.
 */
final class SecretShapes {

	private static final Pattern KNOWN = Pattern.compile(String.join("|", "(?:AKIA|ASIA)[0-9A-Z]{16}",
			"gh[pousr]_[A-Za-z0-9]{30,}", "github_pat_[A-Za-z0-9_]{30,}", "glpat-[A-Za-z0-9_-]{20,}",
			"xox[abposr]-[A-Za-z0-9-]{10,}", "(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}", "AIza[0-9A-Za-z_-]{35}",
			"SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}", "sk-[A-Za-z0-9_-]{20,}", "npm_[A-Za-z0-9]{30,}",
			"-----BEGIN [A-Z ]*PRIVATE KEY-----", "\"private_key\"\\s*:",
			"eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.", "(?i)[a-z][a-z0-9+.-]*://[^/\\s@]*:[^\\s@]+@",
			"(?i)(?:password|passwd|pwd|secret|token|api_?key)\\s*=\\s*\\S{6,}"));

	// A long hexadecimal string: a generated key (API keys, auth tokens, HMAC secrets).
	private static final Pattern HEX = Pattern.compile("(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])");

	// A run of the characters a generated secret is made of, within one path segment.
	private static final Pattern RUN = Pattern.compile("[A-Za-z0-9+=_-]{24,}");

	/**
	 * References to a secret manager: their identifiers (1Password item ids, Key Vault
	 * versions) look random by design, so only the known credential formats are checked.
	 */
	private static final List<String> REFERENCES = List.of("op://", "vault:", "vault://", "arn:aws:secretsmanager:",
			"arn:aws:ssm:", "aws-secretsmanager:", "aws-ssm:", "projects/", "gcp-secretmanager:", "azure-keyvault:",
			"k8s:", "kubernetes:", "secret://");

	private SecretShapes() {
	}

	/**
	 * What kind of secret the value looks like, or null if it looks like none.
	 * @param random whether a random-looking string counts (not for a holder, whose
	 * subject may be a UUID)
	 */
	static @Nullable String kind(String value, boolean random) {
		if (KNOWN.matcher(value).find()) {
			return "a credential";
		}
		String lower = value.toLowerCase(Locale.ROOT);
		if (!random || REFERENCES.stream().anyMatch(lower::startsWith) || lower.contains(".vault.azure.net/")) {
			return null;
		}
		if (HEX.matcher(value).find()) {
			return "a long hexadecimal string";
		}
		Matcher run = RUN.matcher(value);
		while (run.find()) {
			String candidate = run.group();
			if (random(candidate)) {
				return "a random string of " + candidate.length() + " characters";
			}
		}
		return null;
	}

	/**
	 * Whether a run reads as random: letters and digits mixed, and more than 3.5 bits of
	 * entropy a character (words and names stay well below).
	 */
	private static boolean random(String run) {
		boolean letters = run.chars().anyMatch(Character::isLetter);
		boolean digits = run.chars().anyMatch(Character::isDigit);
		if (!letters || !digits) {
			return false;
		}
		int[] counts = new int[128];
		run.chars().forEach((c) -> counts[c & 0x7f]++);
		double entropy = 0;
		for (int count : counts) {
			if (count > 0) {
				double p = (double) count / run.length();
				entropy -= p * (Math.log(p) / Math.log(2));
			}
		}
		return entropy > 3.5 + Math.min(0.5, (run.length() - 24) / 80.0);
	}

}
