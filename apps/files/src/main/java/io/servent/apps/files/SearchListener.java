package io.servent.apps.files;

import java.util.List;

/**
 * Receives a search's progress. Calls come from the search's threads, one at a time per search
 * (serialised by the search), so an implementation need not lock for one search; it must be quick.
 */
public interface SearchListener {
    /** A hit arrived; {@code merged} is its CID's result including it. */
    default void onHit(FileHit hit, SearchResult merged) {}

    /** A mode finished; {@code problem} says why it found nothing if it failed ("" if it did not). */
    default void onModeDone(SearchMode mode, String problem) {}

    /** Every mode finished (or the search was cancelled); the final ranking. */
    default void onDone(List<SearchResult> results) {}

    SearchListener NONE = new SearchListener() {};
}
