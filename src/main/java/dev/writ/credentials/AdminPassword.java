package dev.writ.credentials;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import dev.writ.policy.CredentialTarget;

/**
 * A target's admin password, read at each use from its file or environment variable: a
 * rotated password takes effect at the next call, without a reload, and it is kept in no
 * field.
 */
final class AdminPassword {

	private static final int MAX_BYTES = 4096;

	private AdminPassword() {
	}

	/**
	 * The admin password of a target whose host the operator allows.
	 * @throws TargetUnavailableException when its host is not allowed, or the password
	 * cannot be read
	 */
	static char[] read(CredentialTarget target, BrokerSettings settings) {
		// Where the password may go is the operator's to say, not a policy file's.
		settings.checkHost(target);
		Path secrets = settings.secrets();
		Function<String, String> environment = settings.environment();
		String text;
		Path relative = target.adminPasswordFile();
		if (relative != null) {
			// Checked at load as relative without '..'; checked again, it is Writ's
			// secret files that are at stake.
			Path file = secrets.resolve(relative).normalize();
			if (relative.isAbsolute() || !file.startsWith(secrets.normalize())) {
				throw new TargetUnavailableException(
						"target " + target.id() + ": its admin password file is outside writ.credentials.secrets-dir",
						true);
			}
			text = file(target, file);
		}
		else {
			String name = target.adminPasswordEnvironment();
			text = (name != null) ? environment.apply(name) : null;
			if (text == null || text.isEmpty()) {
				throw new TargetUnavailableException(
						"target " + target.id() + ": the environment variable " + name + " is not set", true);
			}
		}
		// One trailing line break, as an editor or echo leaves it.
		if (text.endsWith("\n")) {
			text = text.substring(0, text.length() - (text.endsWith("\r\n") ? 2 : 1));
		}
		if (text.isEmpty()) {
			throw new TargetUnavailableException("target " + target.id() + ": its admin password is empty", true);
		}
		return text.toCharArray();
	}

	private static String file(CredentialTarget target, Path file) {
		try {
			if (!Files.isRegularFile(file)) {
				throw new TargetUnavailableException(
						"target " + target.id() + ": its admin password file " + file + " is not a readable file",
						true);
			}
			byte[] bytes;
			try (InputStream in = Files.newInputStream(file)) {
				bytes = in.readNBytes(MAX_BYTES + 1);
			}
			if (bytes.length > MAX_BYTES) {
				throw new TargetUnavailableException(
						"target " + target.id() + ": its admin password file is larger than " + MAX_BYTES + " bytes",
						true);
			}
			return new String(bytes, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new TargetUnavailableException(
					"target " + target.id() + ": its admin password file " + file + " cannot be read", true);
		}
	}

}
