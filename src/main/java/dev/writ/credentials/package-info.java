/**
 * Just-in-time credentials for systems that take only secrets: brokers that create and
 * remove them at their targets, the leases that record them, and the reaper that removes
 * them when they expire.
 */
@NullMarked
package dev.writ.credentials;

import org.jspecify.annotations.NullMarked;
