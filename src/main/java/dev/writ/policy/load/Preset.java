package dev.writ.policy.load;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Known OIDC issuers of workload identity: their issuer (when it is one for everybody)
 * and how the claims their real tokens carry map to context attributes. An entry's own
 * {@code issuer} and {@code attributes} override the preset's. See docs/trust.md for each
 * issuer's claims and sources.
 */
enum Preset {

	/**
	 * GitHub Actions: {@code core.getIDToken(audience)}; sub is
	 * {@code repo:OWNER/REPO:...}. Shared by every repository on GitHub: grants must pin
	 * the owner by its immutable id (an owner's name can be re-registered).
	 */
	GITHUB_ACTIONS("github-actions", "https://token.actions.githubusercontent.com", Set.of("repository_owner_id"), true,
			Map.of("tenant", "claims.repository_owner", "tenant_id", "claims.repository_owner_id", "service",
					"claims.repository", "environment", "claims.environment", "ref", "claims.ref", "workflow",
					"claims.job_workflow_ref")),

	/**
	 * GitLab CI/CD {@code id_tokens} (gitlab.com; set {@code issuer} for a self-managed
	 * instance). gitlab.com is shared by every group: grants must pin the top-level
	 * namespace by id.
	 */
	GITLAB("gitlab", "https://gitlab.com", Set.of("namespace_id"), true,
			Map.of("tenant", "claims.namespace_path", "tenant_id", "claims.namespace_id", "service",
					"claims.project_path", "environment", "claims.environment", "ref", "claims.ref", "ref_protected",
					"claims.ref_protected")),

	/**
	 * A projected, audience-bound Kubernetes service-account token; the issuer is the
	 * cluster's.
	 */
	KUBERNETES("kubernetes", null, Set.of(), false,
			Map.of("namespace", "claims[\"kubernetes.io\"].namespace", "service",
					"claims[\"kubernetes.io\"].serviceaccount.name", "pod", "claims[\"kubernetes.io\"].pod.name")),

	/**
	 * AWS STS {@code GetWebIdentityToken} (outbound identity federation); the issuer is
	 * the account's.
	 */
	AWS("aws", null, Set.of(), false,
			Map.of("tenant", "claims[\"https://sts.amazonaws.com/\"].aws_account", "org",
					"claims[\"https://sts.amazonaws.com/\"].org_id", "region",
					"claims[\"https://sts.amazonaws.com/\"].source_region", "service", "claims.sub")),

	/**
	 * A Google Cloud metadata-server identity token ({@code format=full}).
	 * accounts.google.com is shared by every Google account: grants must name the service
	 * account exactly ({@code sub}, its unique numeric id).
	 */
	GCP("gcp", "https://accounts.google.com", Set.of("sub"), false,
			Map.of("tenant", "claims.google.compute_engine.project_id", "service", "claims.email", "zone",
					"claims.google.compute_engine.zone", "instance", "claims.google.compute_engine.instance_name")),

	/** A Microsoft Entra managed-identity token; the issuer names the tenant. */
	AZURE("azure", null, Set.of(), false,
			Map.of("tenant", "claims.tid", "service", "claims.xms_mirid", "object", "claims.oid"));

	private final String id;

	private final @Nullable String issuer;

	@SuppressWarnings("ImmutableEnumChecker") // Set.of: unmodifiable
	private final Set<String> tenantClaims;

	@SuppressWarnings("ImmutableEnumChecker") // Map.of: unmodifiable
	private final Map<String, String> attributes;

	// CI tokens are minted per job step: one exchange each. Kubernetes, SPIRE and the
	// clouds' SDKs cache a token and
	// present it again until it nears expiry, by design.
	private final boolean oneTime;

	Preset(String id, @Nullable String issuer, Set<String> tenantClaims, boolean oneTime,
			Map<String, String> attributes) {
		this.id = id;
		this.issuer = issuer;
		this.tenantClaims = tenantClaims;
		this.oneTime = oneTime;
		this.attributes = attributes;
	}

	/** Whether this issuer's tokens are meant for one exchange each. */
	boolean oneTime() {
		return this.oneTime;
	}

	/**
	 * The claims that tell one tenant of this shared issuer from another; empty for
	 * single-tenant issuers.
	 */
	Set<String> tenantClaims() {
		return this.tenantClaims;
	}

	static Optional<Preset> of(String id) {
		return Arrays.stream(values()).filter((p) -> p.id.equals(id)).findFirst();
	}

	static String names() {
		return String.join(", ", Arrays.stream(values()).map((p) -> p.id).toList());
	}

	/** The preset's name in policy files. */
	String id() {
		return this.id;
	}

	Optional<String> issuer() {
		return Optional.ofNullable(this.issuer);
	}

	/** The attribute expressions, in a stable order. */
	Map<String, String> attributes() {
		return new TreeMap<>(this.attributes);
	}

}
