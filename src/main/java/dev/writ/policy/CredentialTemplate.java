package dev.writ.policy;

import java.util.List;

/**
 * What a grant's credential may do at its target ({@code credential:} in a grant): the
 * grant's authority, as scopes are a token grant's.
 */
public sealed interface CredentialTemplate {

	/**
	 * A PostgreSQL login role, member of existing roles and nothing else.
	 *
	 * @param roles the roles it is a member of ({@code IN ROLE}), whose privileges it has
	 * @param connectionLimit how many sessions it may hold at once
	 */
	record PostgresqlRole(List<String> roles, int connectionLimit) implements CredentialTemplate {

		public PostgresqlRole {
			roles = List.copyOf(roles);
		}

	}

	/**
	 * A Redis ACL user, allowed these commands on these keys and channels, nothing else.
	 *
	 * @param commands ACL command rules, such as {@code +get} or {@code +@read}
	 * @param keys key patterns ({@code ~pattern})
	 * @param channels Pub/Sub channel patterns ({@code &pattern})
	 */
	record RedisUser(List<String> commands, List<String> keys, List<String> channels) implements CredentialTemplate {

		public RedisUser {
			commands = List.copyOf(commands);
			keys = List.copyOf(keys);
			channels = List.copyOf(channels);
		}

	}

}
