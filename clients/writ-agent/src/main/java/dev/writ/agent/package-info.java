/**
 * {@code writ-agent.jar}: {@code token} prints one Writ token, {@code agent} keeps token
 * files fresh ({@link dev.writ.agent.WritAgentCli}).
 */
@NullMarked
package dev.writ.agent;

import org.jspecify.annotations.NullMarked;
