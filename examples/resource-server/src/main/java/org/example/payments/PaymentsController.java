package org.example.payments;

import java.util.Map;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Two endpoints, two scopes. The caller is the workload Writ vouched for: the token's {@code sub}. */
@RestController
class PaymentsController {

	@GetMapping("/payments")
	Map<String, Object> list(@AuthenticationPrincipal Jwt token) {
		return Map.of("caller", token.getSubject(), "payments", java.util.List.of());
	}

	@PostMapping("/payments/charges")
	Map<String, Object> charge(@AuthenticationPrincipal Jwt token) {
		return Map.of("caller", token.getSubject(), "charged", true, "grant", String.valueOf(token.getClaims().get("grant")));
	}

}
