"""Build time: the stages embed -> index -> relate -> publish, composed by the full build and the update."""
