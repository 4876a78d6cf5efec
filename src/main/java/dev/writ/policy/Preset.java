package dev.writ.policy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Known OIDC issuers of workload identity: their issuer (when it is one for everybody) and how the claims their real
 * tokens carry map to context attributes. An entry's own {@code issuer} and {@code attributes} override the preset's.
 * See docs/trust.md for each issuer's claims and sources.
 */
enum Preset {

	/** GitHub Actions: {@code core.getIDToken(audience)}; sub is {@code repo:OWNER/REPO:...}. */
	GITHUB_ACTIONS("github-actions", "https://token.actions.githubusercontent.com", Map.of(
			"tenant", "claims.repository_owner",
			"tenant_id", "claims.repository_owner_id",
			"service", "claims.repository",
			"environment", "claims.environment",
			"ref", "claims.ref",
			"workflow", "claims.job_workflow_ref")),

	/** GitLab CI/CD {@code id_tokens} (gitlab.com; set {@code issuer} for a self-managed instance). */
	GITLAB("gitlab", "https://gitlab.com", Map.of(
			"tenant", "claims.namespace_path",
			"tenant_id", "claims.namespace_id",
			"service", "claims.project_path",
			"environment", "claims.environment",
			"ref", "claims.ref",
			"ref_protected", "claims.ref_protected")),

	/** A projected, audience-bound Kubernetes service-account token; the issuer is the cluster's. */
	KUBERNETES("kubernetes", null, Map.of(
			"namespace", "claims[\"kubernetes.io\"].namespace",
			"service", "claims[\"kubernetes.io\"].serviceaccount.name",
			"pod", "claims[\"kubernetes.io\"].pod.name")),

	/** AWS STS {@code GetWebIdentityToken} (outbound identity federation); the issuer is the account's. */
	AWS("aws", null, Map.of(
			"tenant", "claims[\"https://sts.amazonaws.com/\"].aws_account",
			"org", "claims[\"https://sts.amazonaws.com/\"].org_id",
			"region", "claims[\"https://sts.amazonaws.com/\"].source_region",
			"service", "claims.sub")),

	/** A Google Cloud metadata-server identity token ({@code format=full}). */
	GCP("gcp", "https://accounts.google.com", Map.of(
			"tenant", "claims.google.compute_engine.project_id",
			"service", "claims.email",
			"zone", "claims.google.compute_engine.zone",
			"instance", "claims.google.compute_engine.instance_name")),

	/** A Microsoft Entra managed-identity token; the issuer names the tenant. */
	AZURE("azure", null, Map.of(
			"tenant", "claims.tid",
			"service", "claims.xms_mirid",
			"object", "claims.oid"));

	private final String id;

	private final String issuer;

	private final Map<String, String> attributes;

	Preset(String id, String issuer, Map<String, String> attributes) {
		this.id = id;
		this.issuer = issuer;
		this.attributes = attributes;
	}

	static Optional<Preset> of(String id) {
		return Arrays.stream(values()).filter((p) -> p.id.equals(id)).findFirst();
	}

	static String names() {
		return String.join(", ", Arrays.stream(values()).map((p) -> p.id).toList());
	}

	Optional<String> issuer() {
		return Optional.ofNullable(this.issuer);
	}

	/** The attribute expressions, in a stable order. */
	Map<String, String> attributes() {
		return new java.util.TreeMap<>(this.attributes);
	}

}
