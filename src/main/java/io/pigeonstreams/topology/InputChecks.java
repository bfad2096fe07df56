package io.pigeonstreams.topology;

import io.pigeonstreams.avro.Interaction;

/**
 * What an input record must be before the engine applies it; a record that is not goes to its
 * dead-letter topic with the reason (thrown here, dead-lettered by the processing exception
 * handler). Requests are checked by the request path and answered REJECTED instead: they have an id
 * to answer.
 */
final class InputChecks {

  /** The longest user, item or image id taken. */
  static final int MAX_ID = 200;

  private InputChecks() {}

  /** A record without a value on a topic where that means nothing. */
  static IllegalArgumentException noValue(String topic) {
    return new IllegalArgumentException("a " + topic + " record without a value");
  }

  /**
   * The user an interaction is about.
   *
   * @throws IllegalArgumentException with the reason when it cannot be applied
   */
  static String interactionUser(String key, Interaction event) {
    if (event == null) {
      throw noValue("interactions");
    }
    String user = event.getUserId();
    if ((user == null || user.isBlank()) && (key == null || key.isBlank())) {
      throw new IllegalArgumentException("interaction without a user id");
    }
    if (key != null && user != null && !user.isBlank() && !key.equals(user)) {
      throw new IllegalArgumentException(
          "the record key '"
              + shorten(key)
              + "' is not the interaction's user '"
              + shorten(user)
              + "' (interactions are keyed by user, so that each user's history lives in one"
              + " partition)");
    }
    String id = key != null ? key : user;
    checkId("user id", id);
    if (event.getItemId() == null || event.getItemId().isBlank()) {
      throw new IllegalArgumentException("interaction without an item id");
    }
    checkId("item id", event.getItemId());
    if (event.getGeneratedImageId() != null) {
      checkId("generated image id", event.getGeneratedImageId());
    }
    if (event.getTimestamp() == null || event.getTimestamp().toEpochMilli() < 0) {
      throw new IllegalArgumentException("interaction with a negative timestamp");
    }
    return id;
  }

  static void checkId(String what, String id) {
    if (id.length() > MAX_ID) {
      throw new IllegalArgumentException(
          what + " of " + id.length() + " characters (at most " + MAX_ID + ")");
    }
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
