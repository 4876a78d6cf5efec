/** See docs/architecture.md for what this package does and may import. */
@NullMarked
package dev.writ.cli;

import org.jspecify.annotations.NullMarked;
