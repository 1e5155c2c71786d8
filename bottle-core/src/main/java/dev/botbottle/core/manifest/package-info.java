/**
 * Manifest loading and validation: bottles and agents from Markdown files with YAML front matter, with
 * {@code extends} resolved.
 *
 * <p>Start at {@link dev.botbottle.core.manifest.ManifestLoader}; it yields a
 * {@link dev.botbottle.core.manifest.Manifest} and every problem found as
 * {@link dev.botbottle.core.manifest.ManifestProblem} data. {@code docs/manifest.md} describes every key.
 *
 * @since 0.1
 */
package dev.botbottle.core.manifest;
