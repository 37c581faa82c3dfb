"""A load benchmark of the Council-room case: many live screens, one write, 1-4 processes.

`python -m bench.load --viewers 25,50,100,200 --processes 1,2,4 --seconds 60` (bench/LOAD.md).
Locust drives simulated Streamlit sessions (bench.load.protocol) through an nginx of the
run's own (bench.load.servers) to app processes on one store (bench.load.store).
"""
