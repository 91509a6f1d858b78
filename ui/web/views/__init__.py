"""The web app's pages (not named pages/, which Streamlit would list on its own), one module each."""
