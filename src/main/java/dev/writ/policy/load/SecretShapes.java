package dev.writ.policy.load;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Whether a value of the register looks like a secret rather than a reference to one: a
 * known credential format (a cloud access key, a GitHub or Slack token, a private key, a
 * JWT, a URL with a password), or a long run of random-looking characters. The register
 * names where a key is kept; a key pasted into a policy file would be in git for good.
 */
final class SecretShapes {

	private static final Pattern KNOWN = Pattern.compile(String.join("|", "(?:AKIA|ASIA)[0-9A-Z]{16}",
			"gh[pousr]_[A-Za-z0-9]{30,}", "github_pat_[A-Za-z0-9_]{30,}", "glpat-[A-Za-z0-9_-]{20,}",
			"xox[abposr]-[A-Za-z0-9-]{10,}", "(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}", "AIza[0-9A-Za-z_-]{35}",
			"-----BEGIN [A-Z ]*PRIVATE KEY-----", "eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.",
			"[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s@]+@"));

	// A run of characters a generated secret is made of: base64, base64url, hex.
	private static final Pattern RUN = Pattern.compile("[A-Za-z0-9+/=_-]{24,}");

	private SecretShapes() {
	}

	/** What kind of secret the value looks like, or null if it looks like none. */
	static @Nullable String kind(String value) {
		if (KNOWN.matcher(value).find()) {
			return "a credential";
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
	 * entropy a character (words, paths and UUID-free names stay well below).
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
