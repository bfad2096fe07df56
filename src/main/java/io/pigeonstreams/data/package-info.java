/**
 * The sticker dataset (emoji in several styles from pinned npm packages, with licenses) and its
 * reproducible build. Uses no other layer.
 */
package io.pigeonstreams.data;
