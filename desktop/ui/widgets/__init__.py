"""The window's widgets: each shows one thing and talks outward through signals;
none holds a job's state or reaches into another widget."""
