/** See docs/architecture.md for what this package does and may import. */
@NullMarked
package dev.writ.gate;

import org.jspecify.annotations.NullMarked;
