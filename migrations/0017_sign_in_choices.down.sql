DROP TABLE sign_in_choices;
