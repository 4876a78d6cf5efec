package dev.writ.audit;

import java.util.Locale;

/** How an exchange ended, as an audit event and the exchange metrics name it. */
public enum Outcome {

	/** A token was issued. */
	GRANTED,

	/** The request was refused, with an error code the client was answered. */
	DENIED,

	/** Writ failed unexpectedly and answered {@code server_error}. */
	ERROR;

	/** The outcome as it is written: {@code granted}, {@code denied} or {@code error}. */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
