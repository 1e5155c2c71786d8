/**
 * The smolvm backend (a later issue): bottles as libkrun microVMs driven through the smolvm CLI; the guest reaches the host's gateway services through the loopback relay. Needs /dev/kvm, which this project's CI machines lack: its tests will run against a named double and against the real smolvm where present.
 *
 * @since 0.1
 */
package dev.botbottle.backend.smolvm;
