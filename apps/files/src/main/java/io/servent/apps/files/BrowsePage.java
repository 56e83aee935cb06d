package io.servent.apps.files;

import java.util.List;

/** One page of a browse; when {@code more}, ask again after the last entry's id. */
public record BrowsePage(List<BrowseEntry> entries, boolean more) {
    public BrowsePage {
        entries = List.copyOf(entries);
    }
}
