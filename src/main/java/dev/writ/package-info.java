/** Writ's entry point; see docs/architecture.md for the map of its packages. */
@NullMarked
package dev.writ;

import org.jspecify.annotations.NullMarked;
