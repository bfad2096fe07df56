/**
 * Images at the model's resolution (3x32x32 floats) and their PNG and byte forms. Infrastructure:
 * uses no layer.
 */
package io.pigeonstreams.image;
