package io.pigeonstreams.personalize;

/** What a user did with an item; UNKNOWN stands for an action this version does not know. */
public enum Action {
  UNKNOWN,
  VIEW,
  CLICK,
  LIKE,
  SHARE,
  SAVE,
  DISLIKE,
  SKIP
}
