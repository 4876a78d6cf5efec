package dev.writ.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.writ.policy.ApiKeyEntry;
import dev.writ.policy.ApiKeyRegister;

/**
 * The register of API keys as {@code policy check} prints it: a summary line, then one
 * line per entry that is not {@code ok}, most urgent first, each with its file and line.
 */
final class RegisterView {

	private RegisterView() {
	}

	/**
	 * Prints the register; how many entries block a strict check ({@code expired},
	 * {@code owner-unknown}). Offline there is no evidence of use, so no entry is
	 * {@code ready-to-retire} here: a running Writ says which are.
	 */
	static int print(ApiKeyRegister register, Clock clock, PrintStream out) {
		if (register.entries().isEmpty()) {
			return 0;
		}
		LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
		List<ApiKeyRegister.Assessment> assessed = register.assess(today, (holder, audience) -> false);
		Map<ApiKeyEntry.State, Long> counts = new EnumMap<>(ApiKeyEntry.State.class);
		assessed.forEach((a) -> counts.merge(a.state(), 1L, Long::sum));
		out.println("api keys: " + assessed.size() + " remaining ("
				+ assessed.stream().filter((a) -> a.entry().kind() == ApiKeyEntry.Kind.TRANSITIONAL).count()
				+ " transitional, "
				+ assessed.stream().filter((a) -> a.entry().kind() == ApiKeyEntry.Kind.PERMANENT).count()
				+ " permanent): "
				+ counts.entrySet()
					.stream()
					.map((e) -> e.getValue() + " " + e.getKey().label())
					.collect(Collectors.joining(", ")));
		assessed.stream()
			.filter((a) -> a.state() != ApiKeyEntry.State.OK)
			.sorted((a, b) -> a.state().compareTo(b.state()))
			.forEach((a) -> out.println(String.format("  %-16s %-28s owner %s, %s %s  (%s)", a.state().label(),
					a.entry().id(), a.entry().owner(),
					(a.entry().kind() == ApiKeyEntry.Kind.TRANSITIONAL) ? "expires" : "review due", a.entry().due(),
					a.entry().where())));
		return (int) assessed.stream()
			.filter((a) -> a.state() == ApiKeyEntry.State.EXPIRED || a.state() == ApiKeyEntry.State.OWNER_UNKNOWN)
			.count();
	}

}
