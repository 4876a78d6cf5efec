package dev.writ.policy;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Period;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One API key that remains: a governed exception of the register ({@code api_keys:} in
 * policy files). Never the key itself: where it is stored ({@code stored_in}).
 *
 * @param id unique among the register's entries
 * @param system the system that takes the key
 * @param holder the workload that uses it: a SPIFFE ID, or an issuer's subject
 * @param owner the team that answers for it, one of {@code owners:}
 * @param justification why it cannot federate yet
 * @param kind transitional (with an expiry) or permanent (with a review cycle)
 * @param expires a transitional key's last day
 * @param reviewEvery a permanent key's review cycle
 * @param reviewed when a permanent key was last reviewed
 * @param rotateEvery how often it must be rotated, if it must
 * @param rotated when it was last rotated
 * @param storedIn where it is kept (a secret manager's path), never the key
 * @param migrationTrigger what would let it go
 * @param federatesTo the audience a Writ grant would serve instead, if one would
 * @param file the policy file that declares it
 * @param line its line there
 */
public record ApiKeyEntry(String id, String system, String holder, String owner, String justification, Kind kind,
		@Nullable LocalDate expires, @Nullable Period reviewEvery, @Nullable LocalDate reviewed,
		@Nullable Period rotateEvery, @Nullable LocalDate rotated, String storedIn, String migrationTrigger,
		@Nullable String federatesTo, Path file, int line) {

	/**
	 * How long before it is due an entry is {@link State#REVIEW_DUE}: "due this month".
	 */
	public static final Period DUE_WINDOW = Period.ofDays(30);

	public ApiKeyEntry {
		Objects.requireNonNull(id, "id cannot be null");
		Objects.requireNonNull(kind, "kind cannot be null");
	}

	/** A register entry's kind. */
	public enum Kind {

		/** Goes away by {@code expires}. */
		TRANSITIONAL,

		/** Stays, reviewed every {@code review_every}. */
		PERMANENT;

		/** Its name in policy files and reports. */
		public String label() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/** What the register says of an entry today, most urgent first. */
	public enum State {

		/**
		 * Its owner is not among {@code owners:}: nobody answers for it (offboarding).
		 */
		OWNER_UNKNOWN("owner-unknown"),

		/** Past {@code expires}, or its review is overdue. */
		EXPIRED("expired"),

		/**
		 * Its holder has a Writ grant for {@code federates_to} and has used it: the key
		 * can go.
		 */
		READY_TO_RETIRE("ready-to-retire"),

		/** Its rotation is overdue. */
		ROTATION_DUE("rotation-due"),

		/** Its expiry or review falls within {@link #DUE_WINDOW}. */
		REVIEW_DUE("review-due"),

		/** Nothing due. */
		OK("ok");

		private final String label;

		State(String label) {
			this.label = label;
		}

		/** Its name in reports and metrics. */
		public String label() {
			return this.label;
		}

	}

	/**
	 * The day it is due: a transitional key's {@code expires}, a permanent key's next
	 * review.
	 */
	public LocalDate due() {
		if (this.kind == Kind.TRANSITIONAL) {
			return Objects.requireNonNull(this.expires);
		}
		return Objects.requireNonNull(this.reviewed).plus(Objects.requireNonNull(this.reviewEvery));
	}

	/** The day its rotation is due, if it must be rotated. */
	public @Nullable LocalDate rotationDue() {
		LocalDate last = this.rotated;
		Period every = this.rotateEvery;
		return (last != null && every != null) ? last.plus(every) : null;
	}

	/**
	 * Its state on {@code today}.
	 * @param ownerKnown whether its owner is among {@code owners:}
	 * @param federates whether its holder has used a Writ token for {@code federates_to}
	 */
	public State state(LocalDate today, boolean ownerKnown, boolean federates) {
		if (!ownerKnown) {
			return State.OWNER_UNKNOWN;
		}
		if (today.isAfter(due())) {
			return State.EXPIRED;
		}
		if (this.federatesTo != null && federates) {
			return State.READY_TO_RETIRE;
		}
		LocalDate rotation = rotationDue();
		if (rotation != null && today.isAfter(rotation)) {
			return State.ROTATION_DUE;
		}
		if (!today.plus(DUE_WINDOW).isBefore(due())) {
			return State.REVIEW_DUE;
		}
		return State.OK;
	}

	/** Where it is declared: {@code file:line}. */
	public String where() {
		return this.file + ":" + this.line;
	}

}
