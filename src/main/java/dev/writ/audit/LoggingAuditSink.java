package dev.writ.audit;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each audit event as one JSON line to the {@code writ.audit} logger, which may be routed on its own. */
public final class LoggingAuditSink implements AuditSink {

	private static final Logger audit = LoggerFactory.getLogger("writ.audit");

	@Override
	public void record(AuditEvent event) {
		try {
			audit.info(JSONObjectUtils.toJSONString(event.fields()));
		}
		catch (RuntimeException ex) {
			LoggerFactory.getLogger(LoggingAuditSink.class).error("An audit event could not be written", ex);
		}
	}

}
