/**
 * A real Writ for tests: {@link dev.writ.testserver.WritTestServer}.
 */
@NullMarked
package dev.writ.testserver;

import org.jspecify.annotations.NullMarked;
