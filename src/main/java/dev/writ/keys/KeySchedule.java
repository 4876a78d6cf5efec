package dev.writ.keys;

import java.time.Duration;
import java.util.Objects;

/**
 * When signing keys change roles. A new key is published as <em>next</em> for
 * {@code publishAhead} before it signs, so that every resource server has it in its
 * cached JWKS before it meets a token signed with it. A key that stops signing stays
 * published as <em>retired</em> for {@code retireAfter}, long enough for every token it
 * signed to expire. With a {@code rotationPeriod}, Writ adds the next key itself once the
 * newest key is that old.
 *
 * @param publishAhead how long a new key is published before it signs; longer than
 * resource servers cache the JWKS
 * @param retireAfter how long a replaced key stays published; at least the longest token
 * lifetime plus clock skew
 * @param rotationPeriod how often Writ adds a new key itself; {@link Duration#ZERO} for
 * never
 */
public record KeySchedule(Duration publishAhead, Duration retireAfter, Duration rotationPeriod) {

	/**
	 * An hour ahead, an hour and five minutes after (the default longest token), no
	 * automatic rotation.
	 */
	public static final KeySchedule DEFAULT = new KeySchedule(Duration.ofHours(1), Duration.ofMinutes(65),
			Duration.ZERO);

	public KeySchedule {
		Objects.requireNonNull(publishAhead, "publishAhead cannot be null");
		Objects.requireNonNull(retireAfter, "retireAfter cannot be null");
		Objects.requireNonNull(rotationPeriod, "rotationPeriod cannot be null");
		if (publishAhead.isNegative() || retireAfter.isNegative() || rotationPeriod.isNegative()) {
			throw new IllegalArgumentException("key schedule durations cannot be negative");
		}
		if (!rotationPeriod.isZero() && rotationPeriod.compareTo(publishAhead) <= 0) {
			throw new IllegalArgumentException("the rotation period (" + rotationPeriod
					+ ") must be longer than the time a key is published ahead (" + publishAhead + ")");
		}
	}

	/** Whether Writ adds keys itself. */
	public boolean rotates() {
		return !this.rotationPeriod.isZero();
	}

}
