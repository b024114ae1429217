"""jiuzhu NLU: Chinese normalisation, jieba tokenisation, intents and entities."""
