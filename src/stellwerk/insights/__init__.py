"""Market insights: figures per occupation and place, pay statistics, further training, articles."""
