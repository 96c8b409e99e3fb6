/** The Ocellus jobs: one workflow definition, with sources and sinks bound at the edge. */
package io.ocellus.pipeline;
