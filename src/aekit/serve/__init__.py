"""Layer 7: the scoring server (``aekit serve``), FastAPI + uvicorn (the optional ``serve``
dependencies).

:func:`aekit.serve.app.create_app` builds the application around one loaded model;
:func:`aekit.serve.runner.serve` checks the binding and the model file and runs uvicorn. The
endpoints compute with the Python API (:mod:`aekit.serve.inference`); the request bodies are
read in :mod:`aekit.serve.bodies`.
"""
