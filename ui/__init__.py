"""The user interfaces: the `hilorojo` command line and the Streamlit web app."""
