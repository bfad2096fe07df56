package io.pigeonstreams.topology;

import io.pigeonstreams.avro.PendingRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;

/**
 * The request processors of each stream thread, so that one task's micro-batch can take in the
 * requests other tasks of the same thread have pending: a burst spread over the partitions of a
 * thread becomes one batch for the model instead of one per partition.
 *
 * <p>Exactly-once is kept by publishing each answer only in its own task: a task that generated
 * another's requests hands the outcomes to that task, which forwards them (and deletes the pending
 * requests) in its own next punctuation. Until then the requests stay in its pending store, so a
 * crash, a commit or a rebalance in between loses nothing: the outcomes are only memory, and the
 * task that owns the requests after a restore generates them again.
 *
 * <p>Everything here runs on the stream thread that owns the group: no locks. One instance per
 * topology; each thread gets its own group.
 */
final class ThreadBatchers {

  /** Pending requests of one task taken into another task's batch. */
  record Lent(RequestProcessor owner, List<KeyValue<String, PendingRequest>> entries) {
    /** The candidate images they ask for. */
    long images() {
      long n = 0;
      for (KeyValue<String, PendingRequest> kv : entries) {
        n += owner.images(kv.value);
      }
      return n;
    }
  }

  /** The request processors (tasks) of one stream thread. */
  static final class Group {
    private final Thread thread = Thread.currentThread();
    private final List<RequestProcessor> members = new ArrayList<>();

    void join(RequestProcessor p) {
      if (!members.contains(p)) {
        members.add(p);
      }
    }

    void leave(RequestProcessor p) {
      members.remove(p);
    }

    /**
     * Pending requests of the other tasks, oldest task first, for a batch with room for {@code
     * requests} more requests and {@code images} more candidate images; each taken one is lent
     * until its owner publishes it or takes it back.
     */
    List<Lent> borrow(RequestProcessor borrower, int requests, long images) {
      List<Lent> out = new ArrayList<>();
      if (Thread.currentThread() != thread) {
        return out; // not this group's thread (never expected): batch alone
      }
      for (RequestProcessor p : members) {
        if (p == borrower || requests <= 0 || images <= 0) {
          continue;
        }
        Lent lent = p.lend(requests, images);
        if (!lent.entries().isEmpty()) {
          out.add(lent);
          requests -= lent.entries().size();
          images -= lent.images();
        }
      }
      return out;
    }

    int size() {
      return members.size();
    }
  }

  private final ThreadLocal<Group> groups = ThreadLocal.withInitial(Group::new);

  /** The calling stream thread's group. */
  Group current() {
    return groups.get();
  }
}
