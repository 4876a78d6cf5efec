package dev.writ.web;

import java.time.Instant;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import dev.writ.store.Lease;
import dev.writ.store.Leases;
import dev.writ.store.StoreUnavailableException;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.writ.config.RegisterMonitor;
import dev.writ.policy.GovernanceReport;
import dev.writ.policy.PolicyStore;

/**
 * {@code GET /admin/governance}, for a Writ token with scope {@code writ:governance}: the
 * {@link GovernanceReport} of the policies in force, the register assessed on the request
 * with this node's evidence of who federates (since it started).
 */
@RestController
class AdminGovernanceController {

	private final PolicyStore policies;

	private final RegisterMonitor register;

	private final Clock clock;

	private final Leases leases;

	AdminGovernanceController(PolicyStore policies, RegisterMonitor register, Leases leases, Clock clock) {
		this.leases = leases;
		this.policies = policies;
		this.register = register;
		this.clock = clock;
	}

	// Read from the store, every node's; the report goes on without them if it is away.
	private @Nullable Map<String, Integer> activeLeases() {
		try {
			Instant now = this.clock.instant();
			Map<String, Integer> active = new TreeMap<>();
			for (Lease lease : this.leases.leases()) {
				if (!lease.due(now)) {
					active.merge(lease.target(), 1, Integer::sum);
				}
			}
			return active;
		}
		catch (StoreUnavailableException ex) {
			return null;
		}
	}

	@GetMapping("/admin/governance")
	ResponseEntity<Map<String, Object>> governance() {
		LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(GovernanceReport.of(this.policies.current(), this.register.assessNow(), today, this.register.usage(),
					"granted exchanges seen by this node since it started", activeLeases()));
	}

}
