package dev.writ.web;

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

	AdminGovernanceController(PolicyStore policies, RegisterMonitor register, Clock clock) {
		this.policies = policies;
		this.register = register;
		this.clock = clock;
	}

	@GetMapping("/admin/governance")
	ResponseEntity<Map<String, Object>> governance() {
		LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(GovernanceReport.of(this.policies.current(), this.register.assessNow(), today, this.register.usage(),
					"granted exchanges seen by this node since it started"));
	}

}
