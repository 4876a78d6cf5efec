package dev.writ.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The passphrase of encrypted signing key files, from a file (a mounted secret) or an
 * environment variable — never from a property, which would end up in a repository. Never
 * printed.
 */
public final class Passphrase {

	/**
	 * No passphrase: key files must be unencrypted, and generated ones are written
	 * unencrypted.
	 */
	public static final Passphrase NONE = new Passphrase(null, "none");

	/** The environment variable read when no passphrase file is set. */
	public static final String ENVIRONMENT_VARIABLE = "WRIT_KEYS_PASSPHRASE";

	private final char @Nullable [] value;

	private final String origin;

	private Passphrase(char @Nullable [] value, String origin) {
		this.value = value;
		this.origin = origin;
	}

	/**
	 * The passphrase from {@code file} (its content without a trailing newline) if set,
	 * else from the environment variable {@value #ENVIRONMENT_VARIABLE} if set, else
	 * none.
	 * @throws KeyConfigurationException if the file cannot be read or is empty
	 */
	public static Passphrase resolve(@Nullable Path file, @Nullable String environmentValue) {
		if (file != null) {
			try {
				String content = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
				if (content.isEmpty()) {
					throw new KeyConfigurationException(List.of(file + ": the passphrase file is empty"));
				}
				return new Passphrase(content.toCharArray(), "file " + file);
			}
			catch (IOException ex) {
				throw new KeyConfigurationException(List.of(file + ": cannot read the passphrase file"));
			}
		}
		if (environmentValue != null && !environmentValue.isEmpty()) {
			return new Passphrase(environmentValue.toCharArray(), "environment variable " + ENVIRONMENT_VARIABLE);
		}
		return NONE;
	}

	/** A passphrase given directly; for tests and tools. */
	public static Passphrase of(String value) {
		return new Passphrase(value.toCharArray(), "given");
	}

	public boolean isPresent() {
		return this.value != null;
	}

	char[] chars() {
		if (this.value == null) {
			throw new IllegalStateException("no passphrase");
		}
		return Arrays.copyOf(this.value, this.value.length);
	}

	@Override
	public String toString() {
		return "Passphrase[" + this.origin + "]";
	}

}
