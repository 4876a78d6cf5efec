package dev.writ.policy;

import java.util.Objects;
import java.util.Set;

import dev.writ.context.AttributeMapping;

/**
 * What a trust entry says beyond its keys: how its claims map to attributes, which claims identify a tenant on a
 * shared issuer (every grant must pin them), and whether tokens may outlive the subject token.
 *
 * @param attributes the attribute mapping
 * @param tenantClaims the claims every grant for this source must pin to literal values; empty for an issuer that
 * serves one organisation only
 * @param capTtlToSubject whether an issued token's lifetime is capped by the subject token's remaining life
 */
record SourcePolicy(AttributeMapping attributes, Set<String> tenantClaims, boolean capTtlToSubject) {

	static final SourcePolicy DEFAULT = new SourcePolicy(AttributeMapping.none(), Set.of(), true);

	SourcePolicy {
		Objects.requireNonNull(attributes, "attributes cannot be null");
		tenantClaims = Set.copyOf(tenantClaims);
	}

}
