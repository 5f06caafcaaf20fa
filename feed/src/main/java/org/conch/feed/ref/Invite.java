package org.conch.feed.ref;

/**
 * The object ssb-ref's parseInvite returns: the invite in multiserver form ({@code net:…~shs:KEY:SEED}), the pub's
 * address ({@code remote}, without the seed), the pub's feed id ({@code key}) and {@code redirect}: "#" and what
 * followed the first '#', or null. For a validated invite with the seed as bytes, use {@link InviteCode}.
 */
public record Invite(String invite, String remote, String key, String redirect) {
}
