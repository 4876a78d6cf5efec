package dev.writ.audit;

/**
 * Where audit events go. Implementations must not throw: an audit failure never changes
 * an exchange's answer.
 */
@FunctionalInterface
public interface AuditSink {

	/** Records one event. */
	void record(AuditEvent event);

}
