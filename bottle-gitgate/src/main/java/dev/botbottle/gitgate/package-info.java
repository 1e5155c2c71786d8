/**
 * The git gate (a later issue): one bare mirror per remote, smart HTTP for the bottle, upstream over SSH with pinned host keys and the gate's key (static or a provisioned deploy key), push policy and secret scanning of pushed commits. Will be built on JGit and Apache MINA SSHD.
 *
 * @since 0.1
 */
package dev.botbottle.gitgate;
