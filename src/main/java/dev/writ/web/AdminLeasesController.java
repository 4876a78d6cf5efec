package dev.writ.web;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.writ.audit.LogText;
import dev.writ.credentials.LeaseReaper;
import dev.writ.error.ErrorCode;
import dev.writ.store.Lease;
import dev.writ.store.Leases;
import dev.writ.store.StoreUnavailableException;

/**
 * The leases of just-in-time credentials, for admins ({@code writ:leases}): every lease
 * in the store, whichever node issued it, and early revocation by lease id, subject or
 * grant. Names usernames, never a credential.
 */
@RestController
class AdminLeasesController {

	private static final Logger logger = LoggerFactory.getLogger(AdminLeasesController.class);

	private static final Set<String> SELECTORS = Set.of("lease_id", "subject", "grant");

	private final Leases leases;

	private final LeaseReaper reaper;

	private final Clock clock;

	AdminLeasesController(Leases leases, LeaseReaper reaper, Clock clock) {
		this.leases = leases;
		this.reaper = reaper;
		this.clock = clock;
	}

	@GetMapping(path = "/admin/leases", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> list() {
		Instant now = this.clock.instant();
		List<Map<String, Object>> listed = this.leases.leases()
			.stream()
			.sorted(Comparator.comparing(Lease::expiresAt).thenComparing(Lease::id))
			.map((lease) -> view(lease, now))
			.toList();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("leases", listed);
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
	}

	/**
	 * {@code {"lease_id": "…"}}, {@code {"subject": "…"}} or {@code {"grant": "…"}}:
	 * revokes those leases; their credentials are removed now where their targets answer.
	 */
	@PostMapping(path = "/admin/leases/revoke", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> revoke(@RequestBody Map<String, Object> body, Authentication caller) {
		if (body.size() != 1 || !SELECTORS.contains(body.keySet().iterator().next())
				|| !(body.values().iterator().next() instanceof String value) || value.isEmpty()) {
			return OAuth2ErrorResponses.entity(ErrorCode.INVALID_REQUEST,
					"send exactly one of lease_id, subject and grant, as a string");
		}
		String selector = body.keySet().iterator().next();
		Predicate<Lease> which = switch (selector) {
			case "lease_id" -> (lease) -> lease.id().equals(value);
			case "subject" -> (lease) -> lease.subject().equals(value);
			default -> (lease) -> lease.grant().equals(value);
		};
		List<String> revoked = this.reaper.revoke(which);
		logger.warn("Revoked {} leases by {} {} for {}", revoked.size(), selector, LogText.safe(value),
				LogText.safe(caller.getName()));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("revoked", revoked);
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(answer);
	}

	private static Map<String, Object> view(Lease lease, Instant now) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("lease_id", lease.id());
		view.put("target", lease.target());
		view.put("username", lease.username());
		view.put("grant", lease.grant());
		view.put("subject", lease.subject());
		view.put("issued_at", lease.issuedAt().getEpochSecond());
		view.put("expires_at", lease.expiresAt().getEpochSecond());
		view.put("state", lease.due(now) ? (lease.revoked() ? "revoked" : "expired") : "active");
		return view;
	}

	@ExceptionHandler(StoreUnavailableException.class)
	ResponseEntity<Map<String, Object>> unavailable(StoreUnavailableException ex) {
		logger.warn("Leases unavailable: {}", LogText.safe(ex.getMessage()));
		return OAuth2ErrorResponses.entity(ErrorCode.TEMPORARILY_UNAVAILABLE, "retry later", 1);
	}

}
