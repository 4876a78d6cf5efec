package dev.writ.policy.load;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import dev.writ.context.AttributeMapping;
import dev.writ.policy.SourceRules;
import dev.writ.request.ParameterSyntax;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.TrustConfigurationException;
import dev.writ.trust.TrustSource;

/**
 * Decodes one {@code oidc:} entry of a policy file: an issuer, or a preset of one, where
 * its keys come from, the audiences it must name, its tenant claims and the rules of its
 * tokens.
 */
final class OidcEntryDecoder {

	private static final Set<String> OIDC_KEYS = Set.of("name", "preset", "issuer", "audience", "jwks", "attributes",
			"tenant_claims", "cap_ttl_to_subject", "replay", "rate_limit", "on_store_failure", "max_token_lifetime",
			"binding");

	private static final Set<String> JWKS_KEYS = Set.of("url", "file");

	private final TrustDecoder trust;

	OidcEntryDecoder(TrustDecoder trust) {
		this.trust = trust;
	}

	void decode(StrictYaml yaml, Node node) {
		Map<String, Node> entry = yaml.mapping(node, "an oidc entry", OIDC_KEYS);
		if (entry == null) {
			return;
		}
		int before = yaml.problemCount();
		String name = required(yaml, node, entry, "name");
		if (name != null && !TrustDecoder.NAME.matcher(name).matches()) {
			yaml.problem(StrictYaml.at(entry, "name", node),
					"name must be lowercase letters, digits and '-', starting with a letter");
		}
		@Nullable Preset preset = null;
		if (entry.containsKey("preset")) {
			String id = yaml.string(entry.get("preset"), "preset");
			preset = (id == null) ? null : Preset.of(id).orElse(null);
			if (id != null && preset == null) {
				yaml.problem(StrictYaml.at(entry, "preset", node),
						"unknown preset '" + id + "' (known: " + Preset.names() + ")");
			}
		}
		String issuer = entry.containsKey("issuer") ? yaml.string(entry.get("issuer"), "issuer")
				: (preset != null) ? preset.issuer().orElse(null) : null;
		if (issuer == null && !entry.containsKey("issuer")) {
			yaml.problem(node,
					"an oidc entry needs issuer"
							+ ((preset != null) ? " (preset " + preset.name().toLowerCase(Locale.ROOT)
									+ " has none: each cluster, account or tenant has its own)" : ""));
		}
		else if (issuer != null) {
			issuerProblem(issuer).ifPresent((p) -> yaml.problem(StrictYaml.at(entry, "issuer", node), p));
		}
		Set<String> audiences = audiences(yaml, entry.get("audience"));
		AttributeMapping mapping = SourceRulesDecoder.attributes(yaml, entry.get("attributes"),
				(preset != null) ? preset.attributes() : Map.of());
		Set<String> tenantClaims = (preset != null) ? preset.tenantClaims() : Set.of();
		if (entry.containsKey("tenant_claims")) {
			List<String> declared = yaml.strings(entry.get("tenant_claims"), "tenant_claims");
			// On the preset's own, shared issuer an empty list would silently drop the
			// guardrail that keeps one
			// tenant's grants from another tenant's tokens; an entry with an issuer of
			// its own may say it serves one.
			if (declared != null && declared.isEmpty() && preset != null && !preset.tenantClaims().isEmpty()
					&& preset.issuer().isPresent() && preset.issuer().get().equals(issuer)) {
				yaml.problem(entry.get("tenant_claims"), "tenant_claims cannot be empty on " + preset.issuer().get()
						+ ", an issuer anyone can get tokens from: name the claims that identify a tenant (preset "
						+ preset.id() + " uses " + String.join(", ", preset.tenantClaims()) + ")");
			}
			tenantClaims = (declared == null) ? tenantClaims : new LinkedHashSet<>(declared);
		}
		// A plain OIDC issuer's tokens are exchanged once each unless the entry says
		// otherwise (secure default).
		SourceRules guards = SourceRulesDecoder.decode(yaml, entry, false, (preset == null) || preset.oneTime(),
				mapping, tenantClaims);
		Keys keys = keys(yaml, entry.get("jwks"));
		if (name != null) {
			this.trust.pending(name);
		}
		if (yaml.problemCount() > before || name == null || issuer == null || keys == null) {
			return;
		}
		if (!this.trust.claim(yaml, node, "oidc name " + name) || !this.trust.claim(yaml, node, "issuer " + issuer)) {
			return;
		}
		try {
			TrustSource source = switch (keys.kind()) {
				case "discovery" -> this.trust.factory().oidcDiscovery(name, issuer, audiences);
				case "url" -> this.trust.factory()
					.oidcJwksUrl(name, issuer, audiences, URI.create(Objects.requireNonNull(keys.value())));
				default -> this.trust.factory()
					.oidcJwks(name, issuer, audiences,
							this.trust.read(this.trust.resolve(Objects.requireNonNull(keys.value()))));
			};
			if (source != null) {
				this.trust.add(name, source, guards);
			}
		}
		catch (TrustConfigurationException ex) {
			ex.problems().forEach((p) -> yaml.problem(node, "the keys of " + name + ": " + p));
		}
		catch (IOException | IllegalArgumentException ex) {
			yaml.problem(node, "the keys of " + name + ": " + ex.getMessage());
		}
	}

	/**
	 * Where an OIDC entry's keys come from: {@code discovery} (default), a JWKS
	 * {@code url} or a JWKS {@code file}.
	 */
	private record Keys(String kind, @Nullable String value) {
	}

	private @Nullable Keys keys(StrictYaml yaml, @Nullable Node jwks) {
		if (jwks == null) {
			return new Keys("discovery", null);
		}
		if (jwks instanceof ScalarNode) {
			String value = yaml.string(jwks, "jwks");
			if (!"discovery".equals(value)) {
				yaml.problem(jwks, "jwks is discovery, { url: ... } or { file: ... }");
				return null;
			}
			return new Keys("discovery", null);
		}
		Map<String, Node> form = yaml.mapping(jwks, "jwks", JWKS_KEYS);
		if (form == null || form.size() != 1) {
			yaml.problem(jwks, "jwks needs exactly one of url and file");
			return null;
		}
		if (form.containsKey("url")) {
			URI url = this.trust.url(yaml, form.get("url"), "jwks url");
			return (url == null) ? null : new Keys("url", url.toString());
		}
		String file = yaml.string(StrictYaml.at(form, "file", jwks), "jwks file");
		return (file == null) ? null : new Keys("file", file);
	}

	private Optional<String> issuerProblem(String issuer) {
		try {
			return HttpFetcher.urlProblem(new URI(issuer), this.trust.factory().allowLoopbackHttp())
				.map((p) -> "issuer " + p);
		}
		catch (URISyntaxException ex) {
			return Optional.of("issuer is not a URL");
		}
	}

	private static Set<String> audiences(StrictYaml yaml, @Nullable Node node) {
		if (node == null) {
			return Set.of(); // Writ's own audiences: writ.issuer and writ.audiences
		}
		List<String> values = (node instanceof ScalarNode)
				? Optional.ofNullable(yaml.string(node, "audience")).map(List::of).orElse(null)
				: yaml.strings(node, "audience");
		if (values == null) {
			return Set.of();
		}
		for (String audience : values) {
			if (!ParameterSyntax.isAudience(audience)) {
				yaml.problem(node, "audience must be printable ASCII without spaces");
			}
		}
		return new LinkedHashSet<>(values);
	}

	private static @Nullable String required(StrictYaml yaml, Node node, Map<String, Node> entry, String key) {
		if (!entry.containsKey(key)) {
			yaml.problem(node, "an oidc entry needs " + key);
			return null;
		}
		return yaml.string(entry.get(key), key);
	}

}
