"""Shared Streamlit pieces: the page frame, cached loaders and components.

The only package (with pages/ and app.py) allowed to import streamlit.
"""
