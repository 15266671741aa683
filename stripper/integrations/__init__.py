"""stripper inside data pipelines; each module needs its engine, installed as an extra.

* `stripper.integrations.datatrove`: `StripperStep`, a datatrove pipeline step
  (``pip install "stripper[datatrove]"``);
* `stripper.integrations.ray`: `StripperBatch`, a callable class for Ray Data's
  ``Dataset.map_batches`` (``pip install "stripper[ray]"``).

Running them on one machine and on a cluster: ``docs/pipelines.md``.
"""
