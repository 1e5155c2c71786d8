/**
 * The bot-bottle runtime that embedding applications call: manifest loading ({@code manifest}), planning
 * ({@code plan}), plugin discovery ({@code plugin}), the bottle lifecycle ({@code runtime}), provisioning
 * ({@code provision}) and persisted state ({@code state}).
 *
 * @since 0.1
 */
package dev.botbottle.core;
